-- label.lua: a string parameter that must reach the run intact, for
-- tests/sweep.sh (commas aside, any text: quotes, spaces, $, newlines).
-- The run lasts one millisecond per byte of the label, so end_ns shows
-- what arrived.

local label = param("label", "plain")

machine { cpus = 1, costs = "zero" }

process {
  name = "reader",
  main = function()
    compute(#label)
  end,
}
