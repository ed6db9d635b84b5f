// A module without __tabnode_methods: refused at load.
import { returnText } from "../sdk/index";

export function ping(): void {
  returnText("\"pong\"");
}
