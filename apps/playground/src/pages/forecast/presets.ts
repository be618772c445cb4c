// The bundled series as the page offers them: their page defaults, from @rnn/timeseries' examples. No data
// here (the page imports this); the files are in the task's chunk (series.ts).

export const BUNDLED_NAMES = ['airline', 'co2', 'sunspots', 'seattle', 'electricity'] as const;
export type BundledName = (typeof BUNDLED_NAMES)[number];

export interface Preset {
  title: string;
  about: string;
  /** The forecaster's season (lookback and seasonal differencing defaults) and MASE's lag. */
  seasonality: number;
  /** The seasonal-naive baseline's season (the solar cycle, last year's same day, ...). */
  naiveSeason: number;
  horizon: number;
  lookback: number;
  log: boolean;
  epochs: number;
}

export const PRESETS: Readonly<Record<BundledName, Preset>> = {
  airline: {
    title: 'Airline passengers (monthly, 1949-1960)',
    about: 'Log scale and seasonal differencing at 12 months: the network forecasts the change from the same month a year earlier.',
    seasonality: 12,
    naiveSeason: 12,
    horizon: 24,
    lookback: 24,
    log: true,
    epochs: 300,
  },
  co2: {
    title: 'Mauna Loa CO₂ (monthly, 1958-2020)',
    about: 'Five missing months inserted and interpolated; seasonal (12) and lag-1 differencing.',
    seasonality: 12,
    naiveSeason: 12,
    horizon: 24,
    lookback: 24,
    log: false,
    epochs: 100,
  },
  sunspots: {
    title: 'Sunspots (monthly, 1749-2009)',
    about: 'No calendar season (MASE lag 1); the seasonal-naive baseline repeats the 11-year solar cycle (132 months).',
    seasonality: 1,
    naiveSeason: 132,
    horizon: 12,
    lookback: 48,
    log: false,
    epochs: 20,
  },
  seattle: {
    title: 'Seattle daily maximum temperature (2012-2015)',
    about: 'Day-of-week and day-of-year features; MASE lag 1; the seasonal-naive baseline is the same day a year earlier.',
    seasonality: 1,
    naiveSeason: 365,
    horizon: 7,
    lookback: 28,
    log: false,
    epochs: 40,
  },
  electricity: {
    title: 'Household electricity (daily kW·min, 2006-2010)',
    about: 'Weekly season (MASE lag 7), levels with calendar features; the first, partial day is dropped.',
    seasonality: 7,
    naiveSeason: 7,
    horizon: 7,
    lookback: 28,
    log: false,
    epochs: 40,
  },
};
