/**
 * Budget slots are hashes: `settled` (nanos) and one `r:<instance>` field of outstanding
 * reservations per gateway process. A process's reservations count only while its liveness key
 * exists, so a crashed process cannot hold money forever; the next script to see a dead field
 * removes it. Amounts are integer nanos (exact in Lua doubles up to 2^53, about $9M).
 */

/** Sums settled and live reservations of one slot, dropping fields of dead instances. */
const USED = `
local function used(key, alivePrefix)
  local fields = redis.call('HGETALL', key)
  local total = 0
  for i = 1, #fields, 2 do
    local name, value = fields[i], tonumber(fields[i + 1])
    if name == 'settled' then
      total = total + value
    elseif string.sub(name, 1, 2) == 'r:' then
      if redis.call('EXISTS', alivePrefix .. string.sub(name, 3)) == 1 then
        total = total + value
      else
        redis.call('HDEL', key, name)
      end
    end
  end
  return total
end
`;

/**
 * KEYS: slot hashes. ARGV: amount, instance id, slot ttl ms, alive key prefix, instance ttl ms, then
 * one limit per key. Marks the instance alive itself, so that a reservation made just after an
 * outage (when the heartbeat key may have lapsed) is never taken for a dead process's.
 * Returns {1, used1, used2, ...} (usage before the add) or {0, index of the first slot that did not fit, its usage}.
 */
export const TRY_RESERVE_LUA = `${USED}
local amount = tonumber(ARGV[1])
local field = 'r:' .. ARGV[2]
redis.call('SET', ARGV[4] .. ARGV[2], '1', 'PX', ARGV[5])
local seen = {1}
for i, key in ipairs(KEYS) do
  local u = used(key, ARGV[4])
  if u + amount > tonumber(ARGV[5 + i]) then
    return {0, i, u}
  end
  seen[i + 1] = u
end
for _, key in ipairs(KEYS) do
  redis.call('HINCRBY', key, field, amount)
  redis.call('PEXPIRE', key, ARGV[3])
end
return seen
`;

/** KEYS: slot hashes. ARGV: reserved, actual, instance id, ttl ms. Reservations never go below zero. */
export const SETTLE_LUA = `
local field = 'r:' .. ARGV[3]
local reserved, actual = tonumber(ARGV[1]), tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  if reserved > 0 then
    local left = redis.call('HINCRBY', key, field, -reserved)
    if left <= 0 then redis.call('HDEL', key, field) end
  end
  if actual > 0 then redis.call('HINCRBY', key, 'settled', actual) end
  redis.call('PEXPIRE', key, ARGV[4])
end
return 1
`;

/** KEYS: one slot hash. ARGV: settled, ttl ms. 1 when the slot was new. */
export const INITIALISE_LUA = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'settled', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: one slot hash. ARGV: alive key prefix. Returns {settled, reserved}. */
export const READ_LUA = `${USED}
local settled = tonumber(redis.call('HGET', KEYS[1], 'settled') or '0')
return {settled, used(KEYS[1], ARGV[1]) - settled}
`;
