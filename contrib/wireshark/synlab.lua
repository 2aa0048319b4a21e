-- synlab.lua: Wireshark/tshark post-dissector for synlab's frame comments.
--
-- Turns the comments `synlab analyze --annotate` and `synlab run` write
-- (grammar: docs/comment-format.md, format 2) into fields and Expert Info:
--   synlab.shape synlab.id synlab.host synlab.state_a synlab.state_b
--   synlab.role synlab.finding synlab.severity synlab.rfc synlab.message
--   synlab.event synlab.view
-- violation -> Error, warning -> Warn, note -> Note.
--
--   tshark -X lua_script:synlab.lua -r out.pcapng \
--          -Y 'synlab.shape == "simultaneous-open"'
--   tshark -X lua_script:synlab.lua -r out.pcapng -q -z expert,error
--
-- Install: copy to ~/.local/lib/wireshark/plugins/ (Wireshark 4.0).

local p = Proto("synlab", "synlab handshake analysis")

local F = {
	shape = ProtoField.string("synlab.shape", "Shape"),
	id = ProtoField.uint32("synlab.id", "Connection"),
	host = ProtoField.string("synlab.host", "Sender"),
	state_a = ProtoField.string("synlab.state_a", "A state"),
	state_b = ProtoField.string("synlab.state_b", "B state"),
	role = ProtoField.string("synlab.role", "Role"),
	finding = ProtoField.string("synlab.finding", "Finding"),
	severity = ProtoField.string("synlab.severity", "Severity"),
	rfc = ProtoField.string("synlab.rfc", "RFC"),
	message = ProtoField.string("synlab.message", "Message"),
	event = ProtoField.string("synlab.event", "Socket event"),
	view = ProtoField.string("synlab.view", "View"),
}
p.fields = { F.shape, F.id, F.host, F.state_a, F.state_b, F.role,
	     F.finding, F.severity, F.rfc, F.message, F.event, F.view }

local E = {
	violation = ProtoExpert.new("synlab.violation.expert",
				    "synlab violation", expert.group.PROTOCOL,
				    expert.severity.ERROR),
	warning = ProtoExpert.new("synlab.warning.expert", "synlab warning",
				  expert.group.SEQUENCE, expert.severity.WARN),
	note = ProtoExpert.new("synlab.note.expert", "synlab note",
			       expert.group.SEQUENCE, expert.severity.NOTE),
}
p.experts = { E.violation, E.warning, E.note }

local f_comment = Field.new("frame.comment")

-- s cut before each " | " that begins pat (" | synlab": an entry;
-- " | ": a part), the " | " dropped.
local function split_at(s, pat)
	local out, start = {}, 1
	while true do
		local i = s:find(pat, start, true)
		if not i then
			out[#out + 1] = s:sub(start)
			return out
		end
		out[#out + 1] = s:sub(start, i - 1)
		start = i + 3
	end
end

-- Entries start at "synlab" at the start or after " | " (an event's text
-- may itself hold " | ").
local function entries(c)
	return split_at(c, " | synlab")
end

local function split(s)
	return split_at(s, " | ")
end

-- "B SYN-SENT, A SYN-SENT -> SYN-RECEIVED": the sender first, then the
-- receiver's change if any; each host's state after the frame.
local function states(tree, s)
	local first
	for change in (s .. ", "):gmatch("(.-), ") do
		local host, rest = change:match("^([AB]) (.+)$")
		if host then
			first = first or host
			local last = rest:match("([^ ]+)$")
			tree:add(host == "A" and F.state_a or F.state_b, last)
		end
	end
	if first then
		tree:add(F.host, first)
	end
end

local function handshake(tree, e)
	local parts = split(e:sub(#"synlab: " + 1))
	states(tree, parts[1] or "")
	local shape, id, view = (parts[2] or ""):match(
		"^([%a-]+) #(%d+) view (.+)$")
	if not shape then
		shape, id = (parts[2] or ""):match("^([%a-]+) #(%d+)$")
	end
	if shape then
		tree:add(F.shape, shape)
		tree:add(F.id, tonumber(id))
	end
	if view then
		tree:add(F.view, view)
	end
	if parts[3] then
		tree:add(F.role, parts[3])
	end
	for i = 4, #parts do
		local sev, rule, rfc, msg = parts[i]:match(
			"^(%a+) ([%w-]+) %((.-)%): (.*)$")
		if sev and E[sev] then
			local ft = tree:add(F.finding, rule)
			ft:add(F.severity, sev)
			ft:add(F.rfc, rfc)
			ft:add(F.message, msg)
			ft:add_proto_expert_info(E[sev], sev .. " " .. rule ..
						 " (" .. rfc .. "): " .. msg)
		end
	end
end

function p.dissector(tvb, pinfo, root)
	local cs = { f_comment() }
	local tree
	for _, fi in ipairs(cs) do
		local c = tostring(fi.value)
		if c:sub(1, 6) == "synlab" then
			tree = tree or root:add(p, "synlab")
			for _, e in ipairs(entries(c)) do
				if e:sub(1, 14) == "synlab event: " then
					tree:add(F.event, e:sub(15))
				elseif e:sub(1, 8) == "synlab: " then
					handshake(tree, e)
				end
			end
		end
	end
end

register_postdissector(p)
