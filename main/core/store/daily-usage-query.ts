// Which hourly usage to sum per day (tokens.ts/usage and money both read it); apart so neither imports the other.

export interface DailyUsageQuery {
  groupBy: 'token' | 'project';
  /** Start of the first day and end (exclusive) of the last, epoch ms. */
  from: number;
  to: number;
  /** Added to an hour bucket's time before it is cut into days: the viewer's UTC offset. */
  offsetMs: number;
  projectId?: string;
  tokenId?: string;
}
