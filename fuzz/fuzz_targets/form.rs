//! The proxy's form parser on any bytes: never panics, and what it accepts round-trips and
//! never carries the `API` field.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(a) = hostwinds::Action::from_form_body(data) {
        let form = a.encode_form();
        assert!(!form.contains("API="));
        assert_eq!(hostwinds::Action::from_form_body(form.as_bytes()), Ok(a));
    }
});
