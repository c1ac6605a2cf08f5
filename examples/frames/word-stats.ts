// A small generator pipeline: it counts words line by line and reports progress after each line.
// Its state lives in generator frames: locals, a for-of over an array, a Map, a yield* delegate.

export interface Report {
  line: number;
  words: number;
  top: string;
}

export function* wordStats(text: string): Generator<Report, Map<string, number>, void> {
  const counts = new Map<string, number>();
  let lineNumber = 0;
  for (const line of text.split("\n")) {
    lineNumber++;
    const words = yield* countWords(line, counts);
    yield { line: lineNumber, words, top: mostFrequent(counts) };
  }
  return counts;
}

function* countWords(line: string, counts: Map<string, number>): Generator<never, number, void> {
  let words = 0;
  for (const word of line.toLowerCase().match(/[a-z']+/g) ?? []) {
    counts.set(word, (counts.get(word) ?? 0) + 1);
    words++;
  }
  return words;
}

function mostFrequent(counts: Map<string, number>): string {
  let best = "";
  for (const [word, n] of counts) if (n > (counts.get(best) ?? 0)) best = word;
  return best;
}

export const POEM = `The tasklet paused upon the line
and wrote its frames to disk in time
another process read the file
and picked the thread up, line by line
the words were counted all the while
as if the pause had never been`;
