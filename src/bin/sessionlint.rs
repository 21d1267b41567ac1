fn main() {
    std::process::exit(sessionlint::cli::main_with_args(
        std::env::args_os().collect(),
    ));
}
