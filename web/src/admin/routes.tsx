// The admin area, under /app/admin (lazy-loaded). Default export: the area's <Routes>.
import { Route, Routes } from "react-router-dom";
import { NotFoundPage } from "../components/NotFound";

export default function AdminArea() {
  return (
    <Routes>
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
