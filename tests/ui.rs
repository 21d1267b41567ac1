//! Compile-time checks of the derive (trybuild). The `.stderr` files were made with rustc 1.95.0;
//! other compilers may word or place the notes differently.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/fail/*.rs");
    t.pass("tests/ui/pass/*.rs");
}
