/* What this browser remembers: the API key, labels of the jobs it submitted, form choices. */

export const KEY_STORE = "cutups.apiKey";
export const LABEL_STORE = "cutups.jobLabels";
export const PREFS_STORE = "cutups.prefs";

/** localStorage as JSON; private mode or a full store only means nothing is remembered. */
export const storage = {
  get(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch {
      return fallback;
    }
  },
  set(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
    } catch {
      /* private mode or full: the page still works without remembering */
    }
  },
  remove(key) {
    try {
      localStorage.removeItem(key);
    } catch {
      /* ignore */
    }
  },
};
