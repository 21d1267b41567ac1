//! `cargo sessionlint ...`: cargo runs `cargo-sessionlint sessionlint ...`; drop the echo.
// As in `sessionlint`.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "sessionlint") {
        args.remove(1);
    }
    if let Some(first) = args.first_mut() {
        *first = "cargo sessionlint".into();
    }
    std::process::exit(sessionlint::cli::main_with_args(args));
}
