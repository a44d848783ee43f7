export { encodeGeohash } from "../../primitives/geohash.ts";
