// Host ABI v1 (docs/abi.md): the functions the Tabnode runtime gives an app, module "env".
// Pointers and lengths are i32; results come back through host-owned registers.

// @ts-ignore: decorator
@external("env", "input")
export declare function input(register_id: i32): void;
// @ts-ignore: decorator
@external("env", "register_len")
export declare function register_len(register_id: i32): i32;
// @ts-ignore: decorator
@external("env", "read_register")
export declare function read_register(register_id: i32, ptr: usize): void;
// @ts-ignore: decorator
@external("env", "value_return")
export declare function value_return(ptr: usize, len: i32): void;
// @ts-ignore: decorator
@external("env", "executor_id")
export declare function executor_id(register_id: i32): void;
// @ts-ignore: decorator
@external("env", "context_id")
export declare function context_id(register_id: i32): void;
// @ts-ignore: decorator
@external("env", "storage_read")
export declare function storage_read(key_ptr: usize, key_len: i32, register_id: i32): i32;
// @ts-ignore: decorator
@external("env", "storage_has")
export declare function storage_has(key_ptr: usize, key_len: i32): i32;
// @ts-ignore: decorator
@external("env", "storage_write")
export declare function storage_write(key_ptr: usize, key_len: i32, value_ptr: usize, value_len: i32): i32;
// @ts-ignore: decorator
@external("env", "storage_remove")
export declare function storage_remove(key_ptr: usize, key_len: i32): i32;
// @ts-ignore: decorator
@external("env", "storage_keys")
export declare function storage_keys(prefix_ptr: usize, prefix_len: i32, after_ptr: usize, after_len: i32, limit: i32, register_id: i32): i32;
// @ts-ignore: decorator
@external("env", "private_read")
export declare function private_read(key_ptr: usize, key_len: i32, register_id: i32): i32;
// @ts-ignore: decorator
@external("env", "private_write")
export declare function private_write(key_ptr: usize, key_len: i32, value_ptr: usize, value_len: i32): i32;
// @ts-ignore: decorator
@external("env", "private_remove")
export declare function private_remove(key_ptr: usize, key_len: i32): i32;
// @ts-ignore: decorator
@external("env", "emit")
export declare function emit(name_ptr: usize, name_len: i32, payload_ptr: usize, payload_len: i32, hash_only: i32): void;
// @ts-ignore: decorator
@external("env", "log_utf8")
export declare function log_utf8(ptr: usize, len: i32): void;
// @ts-ignore: decorator
@external("env", "panic_utf8")
export declare function panic_utf8(ptr: usize, len: i32): void;
