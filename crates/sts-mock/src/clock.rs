//! The mock's clock: real, frozen, or real with an offset; movable from tests and the admin API.
//! Nothing in a test sleeps to wait for expiry: it moves this clock.

use std::sync::{Arc, Mutex};

use sts_model::time::{Duration, OffsetDateTime};

#[derive(Debug, Clone, Copy)]
enum Mode {
    /// The system clock plus an offset.
    Real { offset: Duration },
    /// Stopped at an instant.
    Frozen(OffsetDateTime),
}

/// A handle on the mock's clock (cheap to clone; all clones move together).
///
/// ```
/// use sts_mock::Clock;
/// use sts_model::time::{Duration, OffsetDateTime};
/// let clock = Clock::frozen(OffsetDateTime::UNIX_EPOCH);
/// clock.advance(Duration::hours(1));
/// assert_eq!(clock.now(), OffsetDateTime::UNIX_EPOCH + Duration::hours(1));
/// ```
#[derive(Debug, Clone)]
pub struct Clock(Arc<Mutex<Mode>>);

impl Default for Clock {
    fn default() -> Self {
        Clock::real()
    }
}

impl Clock {
    /// The system clock.
    pub fn real() -> Self {
        Clock(Arc::new(Mutex::new(Mode::Real { offset: Duration::ZERO })))
    }

    /// A clock stopped at `at`.
    pub fn frozen(at: OffsetDateTime) -> Self {
        Clock(Arc::new(Mutex::new(Mode::Frozen(at))))
    }

    fn mode(&self) -> std::sync::MutexGuard<'_, Mode> {
        // A poisoned clock still holds a valid instant: keep serving.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current instant on this clock.
    pub fn now(&self) -> OffsetDateTime {
        match *self.mode() {
            Mode::Real { offset } => OffsetDateTime::now_utc() + offset,
            Mode::Frozen(t) => t,
        }
    }

    /// Whether the clock is stopped.
    pub fn is_frozen(&self) -> bool {
        matches!(*self.mode(), Mode::Frozen(_))
    }

    /// Stops the clock where it is.
    pub fn freeze(&self) {
        let now = self.now();
        *self.mode() = Mode::Frozen(now);
    }

    /// Lets the clock run again from where it is.
    pub fn resume(&self) {
        let now = self.now();
        *self.mode() = Mode::Real { offset: now - OffsetDateTime::now_utc() };
    }

    /// Moves the clock to `at` (a frozen clock stays frozen, a running one runs on from there).
    pub fn set(&self, at: OffsetDateTime) {
        let mut mode = self.mode();
        *mode = match *mode {
            Mode::Frozen(_) => Mode::Frozen(at),
            Mode::Real { .. } => Mode::Real { offset: at - OffsetDateTime::now_utc() },
        };
    }

    /// Moves the clock forward (or back, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut mode = self.mode();
        *mode = match *mode {
            Mode::Frozen(t) => Mode::Frozen(t + by),
            Mode::Real { offset } => Mode::Real { offset: offset + by },
        };
    }
}
