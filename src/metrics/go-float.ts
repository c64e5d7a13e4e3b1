/**
 * Numbers as the Prometheus Go client writes them in the text format: writeFloat in
 * prometheus/common expfmt/text_create.go, which is strconv.FormatFloat(f, 'g', -1, 64) with
 * "+Inf", "-Inf" and "NaN" for the special values. That is the shortest decimal that reads back
 * as the same float64 (the digits JavaScript also picks), in exponent form when the decimal
 * exponent is below -4 or at least 6 ("1e+06", "1e-05"), with at least two exponent digits.
 */
export function formatGoFloat(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  if (value === 0) return "0";
  // toExponential() without digits gives the shortest round-trip digits: "-1.5e+6".
  const [mantissa, exponentText] = value.toExponential().split("e");
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 6) {
    const sign = exponent < 0 ? "-" : "+";
    const digits = String(Math.abs(exponent)).padStart(2, "0");
    return `${mantissa}e${sign}${digits}`;
  }
  // Between 1e-4 and 1e6 JavaScript already prints plain decimals with the same digits.
  return String(value);
}
