//! The one rule for module names, as a `const fn` so `#[derive(Module)]`
//! checks it at compile time and the bot checks it again when built.

/// Names no module may take: `daz` is the runtime's control inbox; the
/// others own daz's own tables (`daz_core_state`, `daz_schema_migrations`,
/// the logger's `daz_chat_log`, `daz_user_activity`, `daz_media_history`),
/// so a module with one of them could read or change them.
pub const RESERVED_MODULE_NAMES: [&str; 6] = ["daz", "core", "schema", "chat", "user", "media"];

const fn same(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if !a[i].eq_ignore_ascii_case(&b[i]) {
            return false;
        }
        i += 1;
    }
    true
}

/// What is wrong with `name` as a module name, if anything: it becomes a
/// topic segment (`command.<module>.…`), a config section and a table
/// prefix, so 1 to 64 letters, digits, `_` or `-`, and none of
/// [`RESERVED_MODULE_NAMES`] (in any case).
#[must_use]
pub const fn module_name_problem(name: &str) -> Option<&'static str> {
    let bytes = name.as_bytes();
    if bytes.is_empty() {
        return Some("a module name may not be empty");
    }
    if bytes.len() > 64 {
        return Some("a module name is at most 64 bytes long");
    }
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
            return Some("a module name uses only letters, digits, '_' or '-'");
        }
        i += 1;
    }
    if same(bytes, b"daz") {
        return Some("`daz` is reserved for the runtime's control inbox");
    }
    let mut r = 1;
    while r < RESERVED_MODULE_NAMES.len() {
        if same(bytes, RESERVED_MODULE_NAMES[r].as_bytes()) {
            return Some(
                "this module name is reserved: daz's own tables (daz_core_…, daz_schema_…, the chat log) belong to it; pick another",
            );
        }
        r += 1;
    }
    None
}

/// Fails the build (in a `const`) or panics when `name` is not a module
/// name; what `#[derive(Module)]` writes for its names.
pub const fn assert_module_name(name: &str) {
    if let Some(why) = module_name_problem(name) {
        panic!("{}", why);
    }
}
