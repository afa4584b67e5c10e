//! App-wide values that only some screens use, made the first time one of them asks: their
//! code is then in the screens' split modules instead of the first download.

use leptos::prelude::*;

/// Where a value of type `T` is kept once made, under the app's owner (so it outlives the
/// screen that asked first).
#[derive(Clone)]
pub struct Later<T: Send + Sync + 'static> {
    owner: Owner,
    value: StoredValue<Option<T>>,
}

impl<T: Clone + Send + Sync + 'static> Later<T> {
    /// For the app, once, before the screens.
    pub fn provide() {
        provide_context(Later::<T> { owner: Owner::current().unwrap_or_default(), value: StoredValue::new(None) });
    }

    /// The value, made by `make` the first time.
    pub fn get(make: fn() -> T) -> T {
        let slot = expect_context::<Later<T>>();
        if let Some(v) = slot.value.get_value() {
            return v;
        }
        let v = slot.owner.with(make);
        slot.value.set_value(Some(v.clone()));
        v
    }
}
