//! The first line of a heap profile, which holds its totals.

/// What a heap profile counts, from its header
/// `heap profile: INUSE_OBJECTS: INUSE_BYTES [ALLOCATED_OBJECTS: ALLOCATED_BYTES] @ heapprofile`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeapTotals {
    /// Objects allocated and not freed when the profile was written.
    pub inuse_objects: u64,
    /// Their bytes.
    pub inuse_bytes: u64,
    /// Objects allocated since the program started.
    pub allocated_objects: u64,
    /// Their bytes.
    pub allocated_bytes: u64,
}

impl HeapTotals {
    /// Reads the header, the first line of `profile`; `None` when it is not one.
    pub fn parse(profile: &str) -> Option<Self> {
        let header = profile.lines().next()?.strip_prefix("heap profile:")?;
        let (counts, _) = header.split_once('@')?;
        let numbers: Vec<u64> = counts
            .split(|c: char| c == ':' || c == '[' || c == ']' || c.is_whitespace())
            .filter(|word| !word.is_empty())
            .map(str::parse)
            .collect::<Result<_, _>>()
            .ok()?;
        match numbers[..] {
            [
                inuse_objects,
                inuse_bytes,
                allocated_objects,
                allocated_bytes,
            ] => Some(Self {
                inuse_objects,
                inuse_bytes,
                allocated_objects,
                allocated_bytes,
            }),
            _ => None,
        }
    }
}

/// A number of bytes as a user reads it: "64.0 MB", "12.5 kB", "300 bytes" (units of
/// 1024, as google-pprof's).
pub fn size(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = 1024 * KB;
    match bytes {
        b if b >= MB => format!("{:.1} MB", b as f64 / MB as f64),
        b if b >= KB => format!("{:.1} kB", b as f64 / KB as f64),
        b => format!("{b} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The start of `heap.0001.heap` written at the exit of
    /// tests/fixtures/workloads/alloc.c under libtcmalloc (google-perftools 2.10).
    const PROFILE: &str = "\
heap profile:     65: 67112960 [    65: 67112960] @ heapprofile
    64: 67108864 [    64: 67108864] @ 0x5650dab96184 0x5650dab96207 0x7f8a0c24524a 0x7f8a0c245305 0x5650dab960a1
     1:     4096 [     1:     4096] @ 0x7f8a0c2938cc 0x7f8a0c2a10a0 0x7f8a0c2a0478
";

    #[test]
    fn reads_the_totals_of_a_real_profile() {
        assert_eq!(
            HeapTotals::parse(PROFILE),
            Some(HeapTotals {
                inuse_objects: 65,
                inuse_bytes: 67_112_960,
                allocated_objects: 65,
                allocated_bytes: 67_112_960,
            })
        );
    }

    #[test]
    fn refuses_what_is_not_a_header() {
        assert_eq!(HeapTotals::parse(""), None);
        assert_eq!(HeapTotals::parse("%warn nothing here\n"), None);
        assert_eq!(
            HeapTotals::parse("heap profile: 1: 2 @ heapprofile\n"),
            None
        );
        assert_eq!(
            HeapTotals::parse("heap profile: a: 2 [ 1: 2] @ heapprofile\n"),
            None
        );
    }

    #[test]
    fn writes_sizes_in_units_of_1024() {
        assert_eq!(size(67_112_960), "64.0 MB");
        assert_eq!(size(12_800), "12.5 kB");
        assert_eq!(size(300), "300 bytes");
    }
}
