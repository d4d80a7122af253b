// Check-ins (API.md §10): query keys and the words for the 1..5 scales.
export const streakKey = ["checkins", "streak"] as const;
export const checkinListKey = ["checkins", "list"] as const;
export const todayKey = (date: string) => ["checkins", "today", date] as const;

export const MOOD_WORDS: Record<number, string> = {
  1: "Very low",
  2: "Low",
  3: "Okay",
  4: "Good",
  5: "Very good",
};

export const CONFIDENCE_WORDS: Record<number, string> = {
  1: "Not confident",
  2: "A little confident",
  3: "Fairly confident",
  4: "Confident",
  5: "Very confident",
};
