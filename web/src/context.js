import { createContext } from "preact";
import { useContext } from "preact/hooks";

export const AppContext = createContext(null);
export const useApp = () => useContext(AppContext);
