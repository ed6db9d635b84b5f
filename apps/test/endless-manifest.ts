// __tabnode_methods never returns: load must time out (worker runtime) and keep the old module.
import { Methods } from "../sdk/index";

let spins: i32 = 0;

export function __tabnode_methods(): void {
  while (spins != -1) spins++;
  new Methods().view("never").publish();
}

export function never(): void {}
