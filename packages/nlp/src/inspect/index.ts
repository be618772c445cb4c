export { type Inspection, type InspectOptions, inspect, type LayerActivations } from './inspect.js';
