/**
 * The Range mix of the image benchmark: single byte ranges of 64 KiB to 4 MiB (uniform), 60 % at a
 * random offset (`bytes=a-b`), 20 % suffix ranges (`bytes=-n`) and 20 % open ranges ending at the
 * end of the file (`bytes=a-`) — as wrk Lua, and as a few fixed examples to check answers with.
 */

/** Smallest and largest range, in bytes. */
export const RANGE_BYTES = { min: 64 * 1024, max: 4 * 1024 * 1024 };

/** Lua for wrk: a `request` function asking for one random range of a `size`-byte file per request. */
export function rangeMixLua(size: number, seed: number): string {
  return `-- bench/lib/range-mix.ts: random single byte ranges of a ${size}-byte file
local size, min, max = ${size}, ${RANGE_BYTES.min}, ${RANGE_BYTES.max}
math.randomseed(${seed})
request = function()
  local len = math.random(min, max)
  local kind = math.random(10)
  local range
  if kind <= 6 then
    local first = math.random(0, size - len)
    range = string.format("bytes=%d-%d", first, first + len - 1)
  elseif kind <= 8 then
    range = string.format("bytes=-%d", len)
  else
    range = string.format("bytes=%d-", size - len)
  end
  return wrk.format(nil, nil, { Range = range })
end
`;
}

/** One range of each kind and size extreme, with the bytes (first, last inclusive) each must give. */
export function sampleRanges(size: number): Array<{ header: string; first: number; last: number }> {
  const { min, max } = RANGE_BYTES;
  const mid = Math.floor(size / 2) + 12_345;
  return [
    { header: `bytes=0-${min - 1}`, first: 0, last: min - 1 },
    { header: `bytes=${mid}-${mid + max - 1}`, first: mid, last: mid + max - 1 },
    { header: `bytes=-${min}`, first: size - min, last: size - 1 },
    { header: `bytes=-${max}`, first: size - max, last: size - 1 },
    { header: `bytes=${size - 1_000_003}-`, first: size - 1_000_003, last: size - 1 },
  ];
}
