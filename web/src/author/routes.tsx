// The author's studio, under /app/studio (lazy-loaded). Default export: the area's <Routes>.
import { Route, Routes } from "react-router-dom";
import { NotFoundPage } from "../components/NotFound";

export default function AuthorArea() {
  return (
    <Routes>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
