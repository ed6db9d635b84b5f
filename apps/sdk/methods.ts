// The method list every app returns from its `__tabnode_methods` export.
import { returnJson } from "./call";
import { JsonArray, jobj, parseJson } from "./json";

export const ABI_VERSION: i32 = 1;

/**
 * Build the list, then publish() it:
 *
 *   export function __tabnode_methods(): void {
 *     new Methods().view("get", '{"key":"string"}').mutation("set", '{"key":"string","value":"json"}').publish();
 *   }
 *
 * `args` maps argument names to string, number, integer, boolean, object, array or json,
 * with a trailing ? for optional ones. The host checks every call's input against it.
 */
export class Methods {
  private list: JsonArray = new JsonArray();

  view(name: string, args: string = "{}"): Methods {
    return this.add(name, "view", args);
  }

  mutation(name: string, args: string = "{}"): Methods {
    return this.add(name, "mutation", args);
  }

  publish(): void {
    returnJson(jobj().setNumber("abi", ABI_VERSION).set("methods", this.list));
  }

  private add(name: string, kind: string, args: string): Methods {
    this.list.push(jobj().setString("name", name).setString("kind", kind).set("args", parseJson(args)));
    return this;
  }
}
