// Uses Math.random: AssemblyScript imports env.seed for it, which ABI v1 does not offer.
import { Methods, returnText } from "../sdk/index";

export function __tabnode_methods(): void {
  new Methods().view("roll").publish();
}

export function roll(): void {
  returnText(Math.random().toString());
}
