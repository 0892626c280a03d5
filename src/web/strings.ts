/**
 * Every string the pages show, in one place, so a community can add its own
 * language by adding a table with the same keys.
 */
export const en = {
  mapTitle: "The network: communities, routes and planned flows",
  mapLegendCommunity: "Community",
  mapLegendLeg: "Route leg (thicker: more room)",
  mapLegendFlow: "Planned flow",
  mapLegTitle: (from: string, to: string, kg: number) => `${from} → ${to}: ${kg} kg of room`,
  mapFlowTitle: (from: string, to: string, quantity: number, unit: string, resource: string) =>
    `${quantity} ${unit} of ${resource}: ${from} → ${to}`,
  communities: "Communities",
  routeLegs: "Route legs",
  plannedFlows: "Planned flows",
  from: "From",
  to: "To",
  capacityKg: "Room (kg)",
  resource: "Resource",
  quantity: "Quantity",
  name: "Name",
  location: "Location",
  none: "None yet.",
} as const;

export type Strings = typeof en;
export const LANGUAGES: Record<string, Strings> = { en };
