/**
 * Solar position by NOAA's algorithm (the NOAA Global Monitoring Laboratory's solar calculator,
 * after Jean Meeus, "Astronomical Algorithms", 1991): the sun's geometric mean longitude and
 * anomaly, equation of centre, apparent longitude corrected for nutation and aberration,
 * obliquity, declination and the equation of time, as polynomials in Julian centuries from
 * J2000.0. NOAA states its declination and equation of time accurate to well within 0.01° and
 * a few seconds for 1800–2100; against NREL SPA's published example (Reda & Andreas 2008,
 * NREL/TP-560-34302) it is within 0.005° in zenith and azimuth (test/unit/forecast/solarPosition.test.ts).
 * Refraction: SPA's formula (Bennett's, scaled by pressure and temperature).
 *
 * `SunTable` is the forecaster's fast path: it evaluates declination and the equation of time
 * once per UTC day boundary and interpolates linearly between them (both move less than 0.5° and
 * 30 s a day, with a curvature that keeps the interpolation error under 0.001°), so that each
 * sample costs an hour angle and one cosine.
 */
const RAD = Math.PI / 180;
const DEG = 180 / Math.PI;

/** Julian centuries since J2000.0 (TT≈UT: ΔT ≈ 70 s shifts the sun by 0.0008°, ignored). */
export function julianCentury(unixMs: number): number {
  return (unixMs / 86_400_000 + 2440587.5 - 2451545.0) / 36525;
}

/** The sun's declination (°) and the equation of time (minutes) at Julian century `t`. */
export function declinationAndEquationOfTime(t: number): { declination: number; equationOfTime: number } {
  const l0 = (((280.46646 + t * (36000.76983 + t * 0.0003032)) % 360) + 360) % 360; // geometric mean longitude
  const m = 357.52911 + t * (35999.05029 - 0.0001537 * t); // geometric mean anomaly
  const e = 0.016708634 - t * (0.000042037 + 0.0000001267 * t); // orbit eccentricity
  const mr = m * RAD;
  const c = Math.sin(mr) * (1.914602 - t * (0.004817 + 0.000014 * t)) + Math.sin(2 * mr) * (0.019993 - 0.000101 * t) + Math.sin(3 * mr) * 0.000289;
  const trueLong = l0 + c;
  const omega = 125.04 - 1934.136 * t;
  const apparentLong = trueLong - 0.00569 - 0.00478 * Math.sin(omega * RAD);
  const meanObliquity = 23 + (26 + (21.448 - t * (46.815 + t * (0.00059 - t * 0.001813))) / 60) / 60;
  const obliquity = meanObliquity + 0.00256 * Math.cos(omega * RAD);
  const declination = Math.asin(Math.sin(obliquity * RAD) * Math.sin(apparentLong * RAD)) * DEG;
  const y = Math.tan((obliquity / 2) * RAD) ** 2;
  const l0r = l0 * RAD;
  const eqTime =
    4 *
    DEG *
    (y * Math.sin(2 * l0r) - 2 * e * Math.sin(mr) + 4 * e * y * Math.sin(mr) * Math.cos(2 * l0r) - 0.5 * y * y * Math.sin(4 * l0r) - 1.25 * e * e * Math.sin(2 * mr));
  return { declination, equationOfTime: eqTime };
}

export interface SolarPosition {
  /** Topocentric zenith angle, refraction included (°); 90 at the horizon. */
  zenith: number;
  /** Azimuth eastward from north (°), 0–360. */
  azimuth: number;
  /** Zenith without refraction (°). */
  geometricZenith: number;
  declination: number;
  equationOfTime: number;
}

export interface RefractionOpts {
  /** Annual mean local pressure, mbar (SPA's default 1010). */
  pressureMbar?: number;
  /** Annual mean local temperature, °C (SPA's default 10). */
  temperatureC?: number;
}

/** Atmospheric refraction (°) for a geometric elevation `e0` (°), SPA's equation (42); 0 below −0.83°. */
export function refraction(e0: number, opts: RefractionOpts = {}): number {
  if (e0 < -0.8333) return 0;
  const p = opts.pressureMbar ?? 1010;
  const t = opts.temperatureC ?? 10;
  return ((p / 1010) * (283 / (273 + t)) * 1.02) / (60 * Math.tan((e0 + 10.3 / (e0 + 5.11)) * RAD));
}

/** Cosine of the zenith angle from declination (°), latitude (°) and hour angle (°). */
function cosZenithOf(declination: number, lat: number, hourAngle: number): number {
  const d = declination * RAD;
  const p = lat * RAD;
  return Math.sin(p) * Math.sin(d) + Math.cos(p) * Math.cos(d) * Math.cos(hourAngle * RAD);
}

/** Hour angle (°) at `unixMs` for longitude `lon` (° east) given the equation of time (minutes). */
function hourAngleOf(unixMs: number, lon: number, equationOfTime: number): number {
  const minutesUtc = (((unixMs / 60_000) % 1440) + 1440) % 1440;
  const trueSolarMinutes = minutesUtc + equationOfTime + 4 * lon;
  return trueSolarMinutes / 4 - 180;
}

/** The sun's position at `unixMs` seen from (`lat`, `lon`) in degrees (north, east). */
export function solarPosition(unixMs: number, lat: number, lon: number, opts: RefractionOpts = {}): SolarPosition {
  const { declination, equationOfTime } = declinationAndEquationOfTime(julianCentury(unixMs));
  const ha = hourAngleOf(unixMs, lon, equationOfTime);
  const cosZ = Math.min(1, Math.max(-1, cosZenithOf(declination, lat, ha)));
  const geometricZenith = Math.acos(cosZ) * DEG;
  const zenith = geometricZenith - refraction(90 - geometricZenith, opts);
  // Azimuth from north, eastward (Meeus 13.5 rotated by 180°).
  const har = ha * RAD;
  const azimuthFromSouth = Math.atan2(Math.sin(har), Math.cos(har) * Math.sin(lat * RAD) - Math.tan(declination * RAD) * Math.cos(lat * RAD)) * DEG;
  const azimuth = (azimuthFromSouth + 180 + 360) % 360;
  return { zenith, azimuth, geometricZenith, declination, equationOfTime };
}

const DAY_MS = 86_400_000;

/**
 * cos(zenith) at many instants for one place, fast: NOAA's declination and equation of time at
 * the two UTC midnights around each instant, interpolated linearly (see the file comment).
 */
export class SunTable {
  private readonly sinLat: number;
  private readonly cosLat: number;
  private readonly lon: number;
  private day = Number.NaN;
  private d0 = 0;
  private d1 = 0;
  private e0 = 0;
  private e1 = 0;

  constructor(lat: number, lon: number) {
    this.sinLat = Math.sin(lat * RAD);
    this.cosLat = Math.cos(lat * RAD);
    this.lon = lon;
  }

  /** cos(geometric zenith) at `unixMs`; negative when the sun is below the horizon. */
  cosZenith(unixMs: number): number {
    const day = Math.floor(unixMs / DAY_MS);
    if (day !== this.day) {
      const a = declinationAndEquationOfTime(julianCentury(day * DAY_MS));
      const b = declinationAndEquationOfTime(julianCentury((day + 1) * DAY_MS));
      this.day = day;
      this.d0 = a.declination * RAD;
      this.d1 = b.declination * RAD;
      this.e0 = a.equationOfTime;
      this.e1 = b.equationOfTime;
    }
    const f = unixMs / DAY_MS - day;
    const decl = this.d0 + (this.d1 - this.d0) * f;
    const eot = this.e0 + (this.e1 - this.e0) * f;
    const ha = (f * 1440 + eot + 4 * this.lon) / 4 - 180;
    return this.sinLat * Math.sin(decl) + this.cosLat * Math.cos(decl) * Math.cos(ha * RAD);
  }
}
