//! `cargo sessionlint ...`: cargo runs `cargo-sessionlint sessionlint ...`; drop the echo.
fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "sessionlint") {
        args.remove(1);
    }
    if let Some(first) = args.first_mut() {
        *first = "cargo sessionlint".into();
    }
    let code = sessionlint::cli::run(args, &mut std::io::stdout(), &mut std::io::stderr());
    std::process::exit(code);
}
