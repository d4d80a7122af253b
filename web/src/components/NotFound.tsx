import { Link } from "react-router-dom";
import { Page } from "./Page";

export function NotFoundPage() {
  return (
    <Page title="Page not found">
      <p>There is no page at this address.</p>
      <p>
        <Link to="/app">Go to your dashboard</Link>
      </p>
    </Page>
  );
}
