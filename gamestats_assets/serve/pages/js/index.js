// The index page: the shared header, then shown.
import { header, shown } from "./common.js";

header("index.html");
shown();
