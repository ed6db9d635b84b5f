// The smallest app: built with different memory settings to test the memory checks.
import { Methods, input, returnText } from "../sdk/index";

export function __tabnode_methods(): void {
  new Methods().view("ping").view("grow", '{"pages":"integer"}').publish();
}

export function ping(): void {
  returnText("\"pong\"");
}

/** memory.grow by pages; returns the old size in pages, or -1 when refused. */
export function grow(): void {
  returnText(memory.grow(<i32>input().getNumber("pages")).toString());
}
