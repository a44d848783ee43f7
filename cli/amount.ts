/** Parses a decimal token amount ("1.5") into base units with `decimals` places; exact, no floats. */
export function parseAmount(text: string, decimals: number): bigint {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new Error(`invalid amount "${text}": expected a decimal number like 1.5`);
  const fraction = m[2] ?? "";
  if (fraction.length > decimals) throw new Error(`invalid amount "${text}": at most ${decimals} decimal places`);
  return BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt(fraction.padEnd(decimals, "0") || "0");
}

/** Formats base units as a decimal token amount, trimming trailing zeros. */
export function formatAmount(value: bigint, decimals: number): string {
  const unit = 10n ** BigInt(decimals);
  const whole = value / unit;
  const fraction = (value % unit).toString().padStart(decimals, "0").replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole.toString();
}
