import assert from "node:assert/strict";
import { decodeGeohash, encodeGeohash } from "../../../primitives/geohash.ts";

describe("geohash", () => {
  it("decodes Wikipedia's example ezs42 to 42.6°N 5.6°W", () => {
    const cell = decodeGeohash("ezs42");
    assert.ok(Math.abs(cell.lat - 42.605) < 0.03 && cell.latError < 0.03);
    assert.ok(Math.abs(cell.lon - -5.603) < 0.03 && cell.lonError < 0.03);
  });

  it("round-trips what it encodes within the cell", () => {
    for (const [lat, lon] of [[0, 0], [35.68, 139.69], [-33.87, 151.21], [55.75, -3.19], [89.9, -179.9]]) {
      const cell = decodeGeohash(encodeGeohash(lat, lon, 9));
      assert.ok(Math.abs(cell.lat - lat) <= cell.latError && Math.abs(cell.lon - lon) <= cell.lonError, `${lat},${lon}`);
    }
  });

  it("refuses characters outside the alphabet and the empty hash", () => {
    assert.throws(() => decodeGeohash("ezsa2"), /invalid geohash character 'a'/);
    assert.throws(() => decodeGeohash(""), /empty/);
  });
});
