// The one import of every screen: Preact, its hooks and htm, vendored in vendor/
// (see vendor/README.md). `html` is JSX without a build step.
import { h, render } from './vendor/preact.js';
import htm from './vendor/htm.js';

export { useState, useEffect, useMemo, useRef, useCallback, useLayoutEffect, useId, useContext } from './vendor/hooks.js';
export { Fragment, createContext } from './vendor/preact.js';
export { h, render };
export const html = htm.bind(h);
