// Declares a method that takes a parameter: refused at load.
import { Methods, returnText } from "../sdk/index";

export function __tabnode_methods(): void {
  new Methods().view("takes").publish();
}

export function takes(n: i32): void {
  returnText(n.toString());
}
