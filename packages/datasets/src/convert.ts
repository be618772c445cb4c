// Conversions of raw data files into the formats the loaders return, free of Node APIs so browsers can use
// them on files they fetch or bundle (`@rnn/datasets/convert`).

/** NOAA's wide year x month table (a line per year: the year, then up to 12 monthly means) as `month,sunspots` rows. */
export function sunspotsCsv(table: string): string {
  const rows = ['month,sunspots'];
  for (const line of table.split('\n')) {
    const cells = line.trim().split(/\s+/);
    if (!/^\d{4}$/.test(cells[0] ?? '')) continue; // title, rules, blank lines, notes
    cells.slice(1).forEach((v, m) => rows.push(`${cells[0]}-${String(m + 1).padStart(2, '0')},${v}`));
  }
  return `${rows.join('\n')}\n`;
}
