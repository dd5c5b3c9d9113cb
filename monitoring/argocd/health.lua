-- Argo CD health check for FrappeBench and FrappeSite (vyogo.tech): the same script for both kinds,
-- installed in argocd-cm as resource.customizations.health.vyogo.tech_FrappeBench and
-- resource.customizations.health.vyogo.tech_FrappeSite (docs/argocd.md, generated from this file).
-- It reads the conditions the controller writes (docs/controller.md#status), as kstatus does:
--   no status, or status older than the spec (observedGeneration < generation) -> Progressing
--   Stalled=True (progress needs a person)                                     -> Degraded
--   Reconciling=True                                                           -> Progressing
--   Ready=True                                                                 -> Healthy
--   anything else                                                              -> Progressing
-- Argo CD runs it in gopher-lua (Lua 5.1) with only the base, table and package libraries: no
-- string library here.
local health = {}

local function condition(conditions, wanted)
  for _, c in ipairs(conditions) do
    if c.type == wanted then
      return c
    end
  end
  return nil
end

local function describe(c, fallback)
  if c ~= nil and c.message ~= nil and c.message ~= "" then
    return c.message
  end
  if c ~= nil and c.reason ~= nil and c.reason ~= "" then
    return c.reason
  end
  return fallback
end

local generation = 0
if obj.metadata ~= nil and obj.metadata.generation ~= nil then
  generation = obj.metadata.generation
end

if obj.status == nil or obj.status.conditions == nil then
  health.status = "Progressing"
  health.message = "Waiting for the controller to report status"
  return health
end

local observed = obj.status.observedGeneration
if observed == nil or observed < generation then
  health.status = "Progressing"
  health.message = "Waiting for the controller to observe generation " .. tostring(generation)
  return health
end

local conditions = obj.status.conditions
local stalled = condition(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" then
  health.status = "Degraded"
  health.message = describe(stalled, "Stalled")
  return health
end

local reconciling = condition(conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  health.status = "Progressing"
  health.message = describe(reconciling, "Reconciling")
  return health
end

local ready = condition(conditions, "Ready")
if ready ~= nil and ready.status == "True" then
  health.status = "Healthy"
  health.message = describe(ready, "Ready")
  return health
end

health.status = "Progressing"
health.message = describe(ready, "Waiting for Ready")
return health
