/**
 * `count` distinct elements of `items` chosen uniformly at random, in random order: a partial
 * Fisher-Yates shuffle (the first `count` slots end up a uniform sample). Takes ownership of
 * `items`: shuffles it in place and returns it cut to `count` (count <= items.length).
 */
export function sampleDistinct<T>(items: T[], count: number): T[] {
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (items.length - i));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  items.length = count;
  return items;
}
