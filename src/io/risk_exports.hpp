// The risk command's GIS exports (`risk --geojson PREFIX`, `--kml FILE`): the containment contours,
// the hazard areas and the run's IIP corridor as vector layers (io/vector_export.hpp).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "engine/iip_corridor.hpp"
#include "io/risk_file.hpp"
#include "io/vector_export.hpp"

namespace launchmc::io {

// Layers "contours" (a feature per group and drawn level), "hazard_areas" (a feature per ship area,
// then the aircraft area and its certainly-above part), and with an IIP corridor "iip_corridor"
// (a polygon per containment probability: the nominal IIP track +- the cross-track half-width) and
// "iip_track" (the nominal and the mean IIP tracks). docs/json.md lists their fields.
std::vector<VectorLayer> risk_vector_layers(const RiskComputation& risk);
// The first two alone ("contours", "hazard_areas"), from hazard areas computed or read back from
// a run file (`launchmc map --kml`).
std::vector<VectorLayer> hazard_vector_layers(const risk::HazardAreas& hazards);

// The corridor's layers alone (none without grid points that have a nominal IIP).
std::vector<VectorLayer> iip_corridor_layers(const engine::IipCorridorSummary& corridor);

// Writes PREFIX_<layer>.geojson per layer (geojson_prefix not empty) and one KML file with every
// layer as a folder (kml_path not empty). Returns the files written.
std::vector<std::filesystem::path> write_risk_vector_exports(const std::string& geojson_prefix,
                                                             const std::filesystem::path& kml_path,
                                                             const RiskComputation& risk);

}  // namespace launchmc::io
