// Uses Date.now: AssemblyScript imports a clock for it, which ABI v1 does not offer.
import { Methods, returnText } from "../sdk/index";

export function __tabnode_methods(): void {
  new Methods().view("now").publish();
}

export function now(): void {
  returnText(Date.now().toString());
}
