// Its start function (top-level code) calls the host: it cannot be instantiated ahead of a
// call, so the runtime instantiates it inside each call, and the log lands in that call.
import { Methods, log, returnText } from "../sdk/index";

log("started");

export function __tabnode_methods(): void {
  new Methods().view("ping").publish();
}

export function ping(): void {
  returnText("\"pong\"");
}
