// The admin area, under /app/admin (lazy-loaded). Default export: the area's <Routes>.
import { Navigate, Route, Routes } from "react-router-dom";
import { NotFoundPage } from "../components/NotFound";
import { UsersPage } from "./UsersPage";

export default function AdminArea() {
  return (
    <Routes>
      <Route index element={<Navigate to="users" replace />} />
      <Route path="users" element={<UsersPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
