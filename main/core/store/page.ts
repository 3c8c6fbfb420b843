// One page of a listing and how many items match in all.

export interface Page<T> {
  items: T[];
  totalCount: number;
}
