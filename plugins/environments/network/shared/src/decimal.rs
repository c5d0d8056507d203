//! Plain decimal numbers as configs write them (`12`, `1.5`, `007`): ASCII digits with
//! at most one point, which has digits on both sides; no sign, exponent or space.

/// Why a text gives no whole number from [`scaled`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// It is not a plain decimal number.
    NotDecimal,
    /// Scaled, it is more than a `u64` holds.
    TooLarge,
    /// Scaled, it still has a fraction: it has more decimals (not counting trailing
    /// zeros) than the power of ten.
    NotWhole,
}

/// Whether `number` is a plain decimal number.
pub fn is_plain(number: &str) -> bool {
    parts(number).is_some()
}

/// The plain decimal `number` times `10^exponent`, exactly (`scaled("1.5", 3)` is
/// 1500).
///
/// A whole part too large is [`Problem::TooLarge`] before any fraction is looked at.
/// `exponent` is at most 19, the largest power of ten a `u64` holds; past it, every
/// number is [`Problem::TooLarge`].
pub fn scaled(number: &str, exponent: u32) -> Result<u64, Problem> {
    let (whole, fraction) = parts(number).ok_or(Problem::NotDecimal)?;
    let unit = 10u64.checked_pow(exponent).ok_or(Problem::TooLarge)?;
    let whole = whole
        .parse::<u64>()
        .ok()
        .and_then(|whole| whole.checked_mul(unit))
        .ok_or(Problem::TooLarge)?;
    let fraction = fraction.trim_end_matches('0');
    let places = u32::try_from(fraction.len()).map_err(|_| Problem::NotWhole)?;
    let missing = exponent.checked_sub(places).ok_or(Problem::NotWhole)?;
    // At most `exponent` digits, so below `unit`: neither step overflows.
    let fraction = fraction
        .bytes()
        .fold(0, |value, digit| value * 10 + u64::from(digit - b'0'))
        * 10u64.pow(missing);
    whole.checked_add(fraction).ok_or(Problem::TooLarge)
}

/// The whole and fractional digits of a plain decimal number, or `None` when it is
/// anything else (a sign, an exponent, a lone point, no digit).
fn parts(number: &str) -> Option<(&str, &str)> {
    let (whole, fraction) = match number.split_once('.') {
        Some((whole, fraction)) if !fraction.is_empty() => (whole, fraction),
        Some(_) => return None,
        None => (number, ""),
    };
    let digits = |part: &str| part.bytes().all(|byte| byte.is_ascii_digit());
    (!whole.is_empty() && digits(whole) && digits(fraction)).then_some((whole, fraction))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_are_digits_with_at_most_one_inner_point() {
        for good in ["0", "12", "007", "1.5", "0.25", "1.500"] {
            assert!(is_plain(good), "{good}");
        }
        for bad in [
            "", ".", "1.", ".5", "-1", "+1", "1e3", "1 ", " 1", "1,5", "1.2.3", "inf", "NaN", "١",
        ] {
            assert!(!is_plain(bad), "{bad}");
        }
    }

    #[test]
    fn scales_exactly_by_a_power_of_ten() {
        for (number, exponent, value) in [
            ("12", 0, 12),
            ("1.5", 3, 1_500),
            ("0.001", 3, 1),
            ("007", 3, 7_000),
            ("1.500000000", 3, 1_500),
            ("0.0000001", 7, 1),
            ("1.5", 12, 1_500_000_000_000),
            ("18446744073709551615", 0, u64::MAX),
            ("18446744073.709551615", 9, u64::MAX),
        ] {
            assert_eq!(scaled(number, exponent), Ok(value), "{number}e{exponent}");
        }
    }

    #[test]
    fn names_what_keeps_a_number_from_scaling_to_a_whole_u64() {
        for (number, exponent, problem) in [
            ("1.", 3, Problem::NotDecimal),
            ("-1", 3, Problem::NotDecimal),
            ("0.5", 0, Problem::NotWhole),
            ("0.0001", 3, Problem::NotWhole),
            (
                "1.00000000000000000000000000000000000000001",
                9,
                Problem::NotWhole,
            ),
            ("18446744073709551616", 0, Problem::TooLarge),
            ("18446744074", 9, Problem::TooLarge),
            ("18446744073.709551616", 9, Problem::TooLarge),
            ("99999999999999999999.5", 0, Problem::TooLarge),
        ] {
            assert_eq!(
                scaled(number, exponent),
                Err(problem),
                "{number}e{exponent}"
            );
        }
    }
}
