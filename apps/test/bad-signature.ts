// Imports an ABI function with the wrong signature: refused at load.
import { Methods } from "../sdk/index";

// @ts-ignore: decorator
@external("env", "storage_has")
declare function storage_has(key: i64): i32;

export function __tabnode_methods(): void {
  new Methods().view("probe").publish();
}

export function probe(): void {
  storage_has(1);
}
