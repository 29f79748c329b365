/**
 * The Lua side of runs on Redis. Leases are judged here, on Redis's clock (`TIME`), never on an
 * instance's: a skewed instance can neither lose nor orphan another's run. Every key a script
 * creates gets its expiry in the same script, and a run ends once: whatever ends it first (its
 * owner, or whoever finds its lease lapsed) wins, and every later attempt reads that ending.
 */
import { luaScript } from "./redis-script.ts";

const COMMON = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

-- A durable record is kept for durable_ms when RETENTION_DAYS is set, else for good.
local function keep_durable(key, durable_ms)
  if durable_ms > 0 then redis.call('PEXPIRE', key, durable_ms) end
end

local function has_reply(messages, run_id)
  for _, json in ipairs(redis.call('LRANGE', messages, 0, -1)) do
    local ok, m = pcall(cjson.decode, json)
    if ok and type(m) == 'table' and m.role == 'assistant' and m.runId == run_id then
      return true
    end
  end
  return false
end

local function add_reply(conv, run_id, json, durable_ms)
  local messages = conv .. ':messages'
  if has_reply(messages, run_id) then return 0 end
  redis.call('RPUSH', messages, json)
  keep_durable(conv, durable_ms)
  keep_durable(messages, durable_ms)
  return 1
end
`;

// KEYS: meta, events, viewers, log, index. ARGV: runId, ttlMs, durableMs, messageId, prefix.
const SETTLE = `
-- Ends a running run as lost: its log so far becomes its durable log, a chat run's partial reply
-- is saved once with status error, and its live keys expire after the finished-run TTL.
local function settle_lost(now)
  local meta, events, run_id = KEYS[1], KEYS[2], ARGV[1]
  local ttl, durable = tonumber(ARGV[2]), tonumber(ARGV[3])
  redis.call('HSET', meta, 'status', 'lost')
  local info = redis.call('HGET', meta, 'info')
  local list, text = {}, { reasoning = {}, chat = {} }
  for i, entry in ipairs(redis.call('XRANGE', events, '-', '+')) do
    local json = entry[2][2]
    list[i] = json
    local ok, event = pcall(cjson.decode, json)
    if ok and type(event) == 'table' and event.type == 'content_chunk' and text[event.panel] then
      table.insert(text[event.panel], event.content)
    end
  end
  redis.call('SET', KEYS[4], '{"info":' .. info .. ',"events":[' .. table.concat(list, ',') .. ']}')
  keep_durable(KEYS[4], durable)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
  redis.call('ZREM', KEYS[5], run_id)
  local ok, parsed = pcall(cjson.decode, info)
  local conversation = ok and type(parsed) == 'table' and parsed.conversationId
  if type(conversation) ~= 'string' then return end
  add_reply(ARGV[5] .. 'conv:' .. conversation, run_id, cjson.encode({
    id = ARGV[4], role = 'assistant', content = table.concat(text.chat),
    reasoning = table.concat(text.reasoning), status = 'error', runId = run_id, createdAt = now,
  }), durable)
end
`;

/** How a run stands; a lapsed lease, or its owner (ARGV 6, else ""), ends it as lost, once. */
export const STANDING = luaScript(`${COMMON}${SETTLE}
local m = redis.call('HMGET', KEYS[1], 'status', 'owner', 'leaseUntil')
if not m[1] then return {} end
if m[1] ~= 'running' then return { m[1], 0 } end
local now = now_ms()
if m[2] ~= ARGV[6] and tonumber(m[3]) >= now then return { 'running', 0 } end
settle_lost(now)
return { 'lost', 1 }
`);

/** The owner's ending: fenced by owner and lease. ARGV 6: owner, 7: status, 8: log JSON. */
export const FINISH = luaScript(`${COMMON}${SETTLE}
local m = redis.call('HMGET', KEYS[1], 'status', 'owner', 'leaseUntil')
if not m[1] then return {} end
if m[1] ~= 'running' or m[2] ~= ARGV[6] then return { m[1], 0 } end
local now = now_ms()
if tonumber(m[3]) < now then
  settle_lost(now)
  return { 'lost', 1 }
end
redis.call('SET', KEYS[4], ARGV[8])
keep_durable(KEYS[4], tonumber(ARGV[3]))
redis.call('HSET', KEYS[1], 'status', ARGV[7])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
redis.call('ZREM', KEYS[5], ARGV[1])
return { ARGV[7], 1 }
`);

/** KEYS: meta, index. ARGV: info, owner, leaseMs, checkMs, keepMs, runId. */
export const PUBLISH = luaScript(`${COMMON}
local until_ms = now_ms() + tonumber(ARGV[3]) - tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'info', ARGV[1], 'status', 'running', 'owner', ARGV[2],
  'lastSeq', '0', 'leaseUntil', until_ms)
redis.call('PEXPIRE', KEYS[1], ARGV[5])
redis.call('ZADD', KEYS[2], until_ms, ARGV[6])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return until_ms
`);

/** KEYS: meta, events. ARGV: seq, event JSON, owner, keepMs. 1 written, 0 fenced. */
export const APPEND = luaScript(`${COMMON}
local m = redis.call('HMGET', KEYS[1], 'status', 'owner', 'leaseUntil')
if m[1] ~= 'running' or m[2] ~= ARGV[3] or tonumber(m[3]) < now_ms() then return 0 end
redis.call('XADD', KEYS[2], ARGV[1] .. '-0', 'e', ARGV[2])
redis.call('HSET', KEYS[1], 'lastSeq', ARGV[1])
if redis.call('PTTL', KEYS[2]) < 0 then redis.call('PEXPIRE', KEYS[2], ARGV[4]) end
return 1
`);

/**
 * KEYS: index, then meta, events, viewers of each run. ARGV: owner, leaseMs, checkMs, keepMs,
 * then the run ids. One answer per run: 1 renewed, 0 no longer this owner's running run.
 */
export const RENEW = luaScript(`${COMMON}
local now = now_ms()
local until_ms = now + tonumber(ARGV[2]) - tonumber(ARGV[3])
local renewed = {}
for i = 5, #ARGV do
  local base = (i - 5) * 3 + 1
  local m = redis.call('HMGET', KEYS[base + 1], 'status', 'owner', 'leaseUntil')
  if m[1] == 'running' and m[2] == ARGV[1] and tonumber(m[3]) >= now then
    redis.call('HSET', KEYS[base + 1], 'leaseUntil', until_ms)
    for j = 1, 3 do redis.call('PEXPIRE', KEYS[base + j], ARGV[4]) end
    redis.call('ZADD', KEYS[1], until_ms, ARGV[i])
    renewed[#renewed + 1] = 1
  else
    renewed[#renewed + 1] = 0
  end
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return renewed
`);

/** KEYS: viewers sets. ARGV: instance, leaseMs, keepMs. */
export const PRESENCE = luaScript(`${COMMON}
local until_ms = now_ms() + tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, until_ms, ARGV[1])
  if redis.call('PTTL', key) < 0 then redis.call('PEXPIRE', key, ARGV[3]) end
end
return 0
`);

/** KEYS: viewers. ARGV: instance. 1 when another instance's entry is current. */
export const WATCHED = luaScript(`${COMMON}
for _, member in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], now_ms(), '+inf')) do
  if member ~= ARGV[1] then return 1 end
end
return 0
`);

/** KEYS: index. ARGV: limit. The runs whose lease lapsed. */
export const LAPSED = luaScript(`${COMMON}
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now_ms(), 'LIMIT', 0, ARGV[1])
`);

/** KEYS: conversation. ARGV: runId, message JSON, durableMs. 1 saved, 0 one was there. */
export const REPLY_ONCE = luaScript(`${COMMON}
return add_reply(KEYS[1], ARGV[1], ARGV[2], tonumber(ARGV[3]))
`);
