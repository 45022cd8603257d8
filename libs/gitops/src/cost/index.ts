// Idle cost of a stage: the estimate, its comparison and its rendering.
export { estimateIdleCost, LEFT_OUT } from './estimate';
export type { CostEstimate, CostInput, CostItem } from './estimate';
export { RELEASES_IDLE_CONNECTIONS } from './database-pause';
export { costDelta, deltaSummary, signedUsd } from './delta';
export type { CostDelta } from './delta';
export { formatCostText, formatCostMarkdown } from './format';
