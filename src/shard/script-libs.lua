-- cjson for scripts, written in Lua for fengari (src/shard/scripting.ts): lua-cjson's encode
-- and decode, with its escapes, array rules and error texts. The chunk gets C's "%.14g" number
-- format from JavaScript (fengari's string.format differs) and returns cjson.null, encode and
-- decode; scripting.ts wraps the last two so that their errors name the script's line.

local g14 = ...
local floor, tointeger, format, char, sub = math.floor, math.tointeger, string.format, string.char, string.sub
local _ -- a throwaway for unwanted results: scripts may not assign globals

---------------------------------------------------------------------------------------------
-- cjson
---------------------------------------------------------------------------------------------

local null = setmetatable({}, { __tostring = function() return 'null' end })

local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n',
  ['\r'] = '\\r', ['\t'] = '\\t' }
for c = 0, 31 do escapes[char(c)] = escapes[char(c)] or format('\\u%04x', c) end
escapes['\127'] = '\\u007f'

local function encodeNumber(n)
  if n ~= n or n == math.huge or n == -math.huge then error('Cannot serialise number: must not be NaN or Inf', 0) end
  return g14(n)
end

local function encodeString(s)
  return '"' .. s:gsub('[%c"\\/\127]', escapes) .. '"'
end

-- lua-cjson's array test: positive integer keys only, and not "excessively sparse".
local function arrayLength(t)
  local max, items = 0, 0
  for k in pairs(t) do
    if math.type(k) == 'integer' and k >= 1 then
      if k > max then max = k end
      items = items + 1
    elseif type(k) == 'number' and k >= 1 and floor(k) == k then
      if k > max then max = floor(k) end
      items = items + 1
    else
      return -1
    end
  end
  if max > 10 and max > items * 2 then error('Cannot serialise table: excessively sparse array', 0) end
  return max
end

local encodeValue

local function encodeTable(t, depth)
  if depth > 1000 then error('Cannot serialise, excessive nesting (' .. depth .. ')', 0) end
  local n = arrayLength(t)
  local parts = {}
  if n > 0 then
    for i = 1, n do parts[i] = encodeValue(t[i], depth + 1) end
    return '[' .. table.concat(parts, ',') .. ']'
  end
  for k, v in pairs(t) do
    local key
    if type(k) == 'string' then key = encodeString(k)
    elseif type(k) == 'number' then key = '"' .. encodeNumber(k) .. '"'
    else error('Cannot serialise ' .. type(k) .. ': table key must be a number or string', 0) end
    parts[#parts + 1] = key .. ':' .. encodeValue(v, depth + 1)
  end
  return '{' .. table.concat(parts, ',') .. '}'
end

encodeValue = function(v, depth)
  local t = type(v)
  if v == nil or v == null then return 'null'
  elseif t == 'boolean' then return v and 'true' or 'false'
  elseif t == 'number' then return encodeNumber(v)
  elseif t == 'string' then return encodeString(v)
  elseif t == 'table' then return encodeTable(v, depth)
  end
  error('Cannot serialise ' .. t .. ': type not supported', 0)
end

-- Decoding: tokens named as lua-cjson names them in its errors.
local function utf8Of(code)
  if code < 0x80 then return char(code) end
  if code < 0x800 then return char(0xc0 | (code >> 6), 0x80 | (code & 0x3f)) end
  if code < 0x10000 then return char(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)) end
  return char(0xf0 | (code >> 18), 0x80 | ((code >> 12) & 0x3f), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f))
end

local Decoder = {}
Decoder.__index = Decoder

function Decoder:fail(expected, name, at)
  error('Expected ' .. expected .. ' but found ' .. name .. ' at character ' .. at, 0)
end

-- The next token: its name, value and where it starts.
function Decoder:token()
  local s, i = self.s, self.i
  i = s:find('[^ \t\n\r]', i) or #s + 1
  self.i = i
  if i > #s then return 'T_END', nil, i end
  local c = sub(s, i, i)
  local simple = { ['{'] = 'T_OBJ_BEGIN', ['}'] = 'T_OBJ_END', ['['] = 'T_ARR_BEGIN', [']'] = 'T_ARR_END',
    [':'] = 'T_COLON', [','] = 'T_COMMA' }
  if simple[c] then self.i = i + 1 return simple[c], nil, i end
  if c == '"' then return 'T_STRING', self:string(i), i end
  local word = s:match('^%a+', i)
  if word == 'true' or word == 'false' then self.i = i + #word return 'T_BOOLEAN', word == 'true', i end
  if word == 'null' then self.i = i + 4 return 'T_NULL', null, i end
  local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', i)
  if num and num ~= '-' then
    local n = tonumber(num)
    if n then self.i = i + #num return 'T_NUMBER', tointeger(n) or n, i end
  end
  return 'invalid token', nil, i
end

function Decoder:string(start)
  local s, i, out = self.s, start + 1, {}
  while true do
    local c = sub(s, i, i)
    if c == '' then self:fail('string end', 'T_END', i) end
    if c == '"' then break end
    if c == '\\' then
      local e = sub(s, i + 1, i + 1)
      local simple = { b = '\b', f = '\f', n = '\n', r = '\r', t = '\t', ['"'] = '"', ['\\'] = '\\', ['/'] = '/' }
      if simple[e] then out[#out + 1] = simple[e] i = i + 2
      elseif e == 'u' then
        local code = tonumber(sub(s, i + 2, i + 5), 16)
        if not code then self:fail('valid unicode escape', 'invalid token', start) end
        i = i + 6
        if code >= 0xd800 and code <= 0xdbff and sub(s, i, i + 1) == '\\u' then
          local low = tonumber(sub(s, i + 2, i + 5), 16)
          if low and low >= 0xdc00 and low <= 0xdfff then
            code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00)
            i = i + 6
          end
        end
        out[#out + 1] = utf8Of(code)
      else self:fail('value', 'invalid token', start) end
    else
      out[#out + 1] = c
      i = i + 1
    end
  end
  self.i = i + 1
  return table.concat(out)
end

function Decoder:value(name, value, at)
  if name == 'T_OBJ_BEGIN' then
    local t = {}
    name, value, at = self:token()
    if name == 'T_OBJ_END' then return t end
    while true do
      if name ~= 'T_STRING' then self:fail('object key string', name, at) end
      local key = value
      name, _, at = self:token()
      if name ~= 'T_COLON' then self:fail('colon', name, at) end
      t[key] = self:value(self:token())
      name, _, at = self:token()
      if name == 'T_OBJ_END' then return t end
      if name ~= 'T_COMMA' then self:fail('comma or object end', name, at) end
      name, value, at = self:token()
    end
  elseif name == 'T_ARR_BEGIN' then
    local t, n = {}, 0
    name, value, at = self:token()
    if name == 'T_ARR_END' then return t end
    while true do
      n = n + 1
      t[n] = self:value(name, value, at)
      name, _, at = self:token()
      if name == 'T_ARR_END' then return t end
      if name ~= 'T_COMMA' then self:fail('comma or array end', name, at) end
      name, value, at = self:token()
    end
  elseif name == 'T_STRING' or name == 'T_NUMBER' or name == 'T_BOOLEAN' or name == 'T_NULL' then
    return value
  end
  self:fail('value', name, at)
end

local function decode(s)
  if type(s) ~= 'string' then error("bad argument #1 to 'decode' (string expected)", 0) end
  local d = setmetatable({ s = s, i = 1 }, Decoder)
  local v = d:value(d:token())
  local name, _, at = d:token()
  if name ~= 'T_END' then d:fail('the end', name, at) end
  return v
end

return null, function(v) return encodeValue(v, 1) end, decode
