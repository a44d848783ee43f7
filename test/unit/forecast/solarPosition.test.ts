import assert from "node:assert/strict";
import { clearSkyFraction, haurwitzGhi } from "../../../forecast/clearSky.ts";
import { solarPosition, SunTable } from "../../../forecast/solarPosition.ts";

const RAD = Math.PI / 180;

describe("forecast: solar position (NOAA) and clear sky (Haurwitz)", () => {
  it("matches NREL SPA's published example within 0.005° (2003-10-17 12:30:30 −7 h, Golden CO)", () => {
    // Reda & Andreas, NREL/TP-560-34302, table A5.1: zenith 50.11162°, azimuth 194.34024° (820 mbar, 11 °C).
    const p = solarPosition(Date.UTC(2003, 9, 17, 19, 30, 30), 39.742476, -105.1786, { pressureMbar: 820, temperatureC: 11 });
    assert.ok(Math.abs(p.zenith - 50.11162) < 0.005, `zenith ${p.zenith}`);
    assert.ok(Math.abs(p.azimuth - 194.34024) < 0.005, `azimuth ${p.azimuth}`);
  });

  it("has the solstice declinations and the equation of time's extremes (early November +16.4 min, mid-February −14.2 min)", () => {
    assert.ok(Math.abs(solarPosition(Date.UTC(2024, 5, 20, 21), 0, 0).declination - 23.44) < 0.01);
    assert.ok(Math.abs(solarPosition(Date.UTC(2024, 11, 21, 9), 0, 0).declination + 23.44) < 0.01);
    assert.ok(Math.abs(solarPosition(Date.UTC(2024, 10, 3, 12), 0, 0).equationOfTime - 16.4) < 0.1);
    assert.ok(Math.abs(solarPosition(Date.UTC(2024, 1, 11, 12), 0, 0).equationOfTime + 14.2) < 0.1);
  });

  it("SunTable's interpolated zenith stays within 0.01° of the full algorithm", () => {
    for (const [lat, lon] of [[0, 10], [35, -100], [55, 12], [-33.9, 151.2]]) {
      const table = new SunTable(lat, lon);
      for (let t = Date.UTC(2025, 0, 1); t < Date.UTC(2026, 0, 1); t += 7 * 3_600_000 + 13 * 60_000) {
        const fast = Math.acos(table.cosZenith(t)) / RAD;
        assert.ok(Math.abs(fast - solarPosition(t, lat, lon).geometricZenith) < 0.01, `${lat},${lon} at ${new Date(t).toISOString()}`);
      }
    }
  });

  it("Haurwitz GHI equals pvlib's reference values (test_haurwitz) and is 0 with the sun down", () => {
    const cases: Array<[number, number]> = [[5, 48.6298687941956], [10, 135.741748091813], [30, 487.894132885425], [50, 778.766689344363], [90, 1035.0920325345]];
    for (const [elevation, ghi] of cases) assert.ok(Math.abs(haurwitzGhi(Math.cos((90 - elevation) * RAD)) - ghi) < 1e-6, `elevation ${elevation}`);
    assert.equal(haurwitzGhi(Math.cos(110 * RAD)), 0);
    assert.equal(haurwitzGhi(0), 0);
  });

  it("an interval's clear-sky fraction is 0 at night and peaks near solar noon", () => {
    const sun = new SunTable(0, 0);
    const hourOf = (h: number): number => Date.UTC(2025, 2, 20, h) / 3_600_000;
    assert.equal(clearSkyFraction(sun, hourOf(0), 3600), 0);
    assert.equal(clearSkyFraction(sun, hourOf(22), 3600), 0);
    const noon = clearSkyFraction(sun, hourOf(11), 3600); // 11:00–12:00 UTC at 0° E
    assert.ok(noon > 0.95 && noon < 1.04, `${noon}`);
    assert.ok(clearSkyFraction(sun, hourOf(7), 3600) < noon / 2);
  });
});
