// Allocation was a quarter of a large check's profile with the system allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(sessionlint::cli::main_with_args(
        std::env::args_os().collect(),
    ));
}
