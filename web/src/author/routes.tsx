// The author's studio, under /app/studio (lazy-loaded). Default export: the area's <Routes>.
import { Route, Routes } from "react-router-dom";
import { NotFoundPage } from "../components/NotFound";
import { AnalyticsPage } from "./AnalyticsPage";
import { AssignPage } from "./AssignPage";
import { CheckinSummaryPage } from "./CheckinSummaryPage";
import { FeedbackPage } from "./FeedbackPage";
import { ModuleEditorPage } from "./ModuleEditorPage";
import { StudioListPage } from "./StudioListPage";
import "./studio.css";

export default function AuthorArea() {
  return (
    <Routes>
      <Route index element={<StudioListPage />} />
      <Route path="modules/:moduleId" element={<ModuleEditorPage />} />
      <Route path="modules/:moduleId/feedback" element={<FeedbackPage />} />
      <Route path="modules/:moduleId/analytics" element={<AnalyticsPage />} />
      <Route path="modules/:moduleId/assign" element={<AssignPage />} />
      <Route path="checkins" element={<CheckinSummaryPage />} />
      <Route path="*" element={<NotFoundPage />} />
    </Routes>
  );
}
