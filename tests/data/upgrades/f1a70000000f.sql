-- A guide as the release of schema f1a70000000f wrote it (written by hand for that schema, portable SQL
-- for SQLite and PostgreSQL; statements end with a semicolon at the end of a line).
-- tests/functional/test_upgrades.py loads it into a base migrated to f1a70000000f, then upgrades to head.
-- Since f1a700000006 the migrations install the taxonomy: the fiches use its thématique 1.
INSERT INTO quartier (id, code, nom, slug, geometry, schematic)
VALUES (1, 'Q-ANCIEN', 'Quartier des Anciens', 'quartier-des-anciens', NULL, TRUE);
INSERT INTO organisation (id, slug, nom, sigle, description, siret, reseau_porteur, telephone, courriel, site_web,
  direct_publication, source, source_id, created_at, updated_at, logo)
VALUES (1, 'maison-des-anciens', 'Maison des Anciens', 'MDA', 'Une association fondée avant la mise à jour.', NULL,
  '', '0473000000', 'contact@anciens.fr', '', FALSE, NULL, NULL, '2025-01-10 09:00:00', '2025-01-10 09:00:00', NULL);
INSERT INTO user_account (id, email, name, password_hash, role, active, created_at, last_login_at)
VALUES (1, 'coordination@anciens.fr', 'Coordination', NULL, 'coordinator', TRUE, '2025-01-10 09:00:00', NULL);
INSERT INTO user_account (id, email, name, password_hash, role, active, created_at, last_login_at,
  session_generation)
VALUES (2, 'benevole@anciens.fr', 'Bénévole', NULL, 'partner', TRUE, '2025-01-10 09:00:00', NULL, 2);
INSERT INTO membership (id, user_id, organisation_id, role, created_at)
VALUES (1, 2, 1, 'owner', '2025-01-10 09:00:00');
INSERT INTO lieu (id, nom, adresse, complement_adresse, code_postal, commune, code_insee, latitude, longitude,
  quartier_id, acces_plain_pied, toilettes_adaptees, boucle_magnetique, langue_des_signes, source, source_id,
  created_at, updated_at)
VALUES (1, 'Salle des Anciens', '3 rue du Temps Passé', '', '63000', 'Clermont-Ferrand', '63113', 45.78, 3.08, 1,
  'oui', 'inconnu', 'non', 'inconnu', NULL, NULL, '2025-01-10 09:00:00', '2025-01-10 09:00:00');
INSERT INTO lieu_organisation (lieu_id, organisation_id) VALUES (1, 1);
INSERT INTO fiche (id, uid, organisation_id, state, current_version_id, published_version_id, source, source_id,
  created_at, updated_at, state_changed_at, published_at, confirmed_at, lock_version)
VALUES (1, 'guide--1', 1, 'publie', NULL, NULL, NULL, NULL, '2025-01-11 10:00:00', '2025-02-01 10:00:00',
  '2025-02-01 10:00:00', '2025-02-01 10:00:00', '2025-02-01', 3);
INSERT INTO fiche (id, uid, organisation_id, state, current_version_id, published_version_id, source, source_id,
  created_at, updated_at, state_changed_at, published_at, confirmed_at, lock_version)
VALUES (2, 'guide--2', 1, 'brouillon', NULL, NULL, NULL, NULL, '2025-01-12 10:00:00', '2025-01-12 10:00:00',
  '2025-01-12 10:00:00', NULL, NULL, 1);
INSERT INTO fiche_version (id, fiche_id, number, created_at, author_id, note, nom, resume, description,
  type_service, publics, publics_precisions, age_min, age_max, conditions_acces, conditions_precisions, frais,
  frais_precisions, langues, horaires, horaires_precisions, fermetures, contact_nom, telephone, courriel,
  site_web)
VALUES (1, 1, 1, '2025-01-11 10:00:00', 2, 'Création', 'Permanence d''écrivain public',
  'Aide à la rédaction de courriers', 'Première version.', NULL, '[]', '', NULL, NULL, '[]', '', NULL, '',
  '["fr"]', 'Mo 14:00-17:00', '', '[]', '', '0473000001', '', '');
INSERT INTO fiche_version (id, fiche_id, number, created_at, author_id, note, nom, resume, description,
  type_service, publics, publics_precisions, age_min, age_max, conditions_acces, conditions_precisions, frais,
  frais_precisions, langues, horaires, horaires_precisions, fermetures, contact_nom, telephone, courriel,
  site_web)
VALUES (2, 1, 2, '2025-02-01 10:00:00', 2, 'Horaires', 'Permanence d''écrivain public',
  'Aide à la rédaction de courriers administratifs',
  'Un écrivain public de la Maison des Anciens aide à écrire lettres et dossiers.', NULL, '[]', '', NULL, NULL,
  '[]', '', NULL, '', '["fr"]', 'Mo,We 14:00-17:00', '', '[]', '', '0473000001', '', '');
INSERT INTO fiche_version (id, fiche_id, number, created_at, author_id, note, nom, resume, description,
  type_service, publics, publics_precisions, age_min, age_max, conditions_acces, conditions_precisions, frais,
  frais_precisions, langues, horaires, horaires_precisions, fermetures, contact_nom, telephone, courriel,
  site_web)
VALUES (3, 2, 1, '2025-01-12 10:00:00', 2, 'Création', 'Atelier mémoire (brouillon)', '', '', NULL, '[]', '',
  NULL, NULL, '[]', '', NULL, '', '[]', '', '', '[]', '', '', '', '');
UPDATE fiche SET current_version_id = 2, published_version_id = 2 WHERE id = 1;
UPDATE fiche SET current_version_id = 3 WHERE id = 2;
INSERT INTO fiche_version_lieu (version_id, lieu_id, position) VALUES (1, 1, 0);
INSERT INTO fiche_version_lieu (version_id, lieu_id, position) VALUES (2, 1, 0);
INSERT INTO fiche_version_thematique (version_id, thematique_id) VALUES (1, 1);
INSERT INTO fiche_version_thematique (version_id, thematique_id) VALUES (2, 1);
INSERT INTO fiche_event (id, fiche_id, at, actor_id, action, from_state, to_state, version_number, comment)
VALUES (1, 1, '2025-01-11 10:00:00', 2, 'create', NULL, 'brouillon', 1, '');
INSERT INTO fiche_event (id, fiche_id, at, actor_id, action, from_state, to_state, version_number, comment)
VALUES (2, 1, '2025-01-11 11:00:00', 1, 'publish', 'brouillon', 'publie', 1, 'Relue.');
INSERT INTO fiche_event (id, fiche_id, at, actor_id, action, from_state, to_state, version_number, comment)
VALUES (3, 1, '2025-02-01 10:00:00', 1, 'save', 'publie', 'publie', 2, 'Horaires');
INSERT INTO fiche_event (id, fiche_id, at, actor_id, action, from_state, to_state, version_number, comment)
VALUES (4, 2, '2025-01-12 10:00:00', 2, 'create', NULL, 'brouillon', 1, '');
INSERT INTO index_change (id, fiche_id, at) VALUES (1, 1, '2025-02-01 10:00:00');
INSERT INTO search_miss (id, "query", day, count) VALUES (1, 'tricot', '2025-02-02', 2);
INSERT INTO search_miss (id, "query", day, count) VALUES (2, 'poterie', '2025-02-03', 1);
INSERT INTO search_synonym (terms, updated_at) VALUES ('courrier, lettre', '2025-01-10 09:00:00');
INSERT INTO error_report (id, fiche_id, message, contact, ip_hash, created_at, handled_at, handled_by_id,
  notified_at)
VALUES (1, 1, 'Le numéro a changé.', '', 'abc123', '2025-02-05 10:00:00', NULL, NULL, '2025-02-05 11:00:00');
INSERT INTO error_report_digest (period, sent_at, report_count) VALUES (20250205, '2025-02-05 11:00:00', 1);
INSERT INTO directory_change (id, organisation_id, lieu_id, action, "values", previous, state, direct, author_id,
  created_at, updated_at, reviewer_id, reviewed_at, comment)
VALUES (1, 1, NULL, 'edit', '{"telephone": "0473000009"}', '{"telephone": "0473000000"}', 'a_valider', FALSE, 2,
  '2025-02-06 10:00:00', '2025-02-06 10:00:00', NULL, NULL, '');
INSERT INTO helpline (id, label, number, description, position) VALUES (1, 'Urgences', '112', '', 1);
INSERT INTO edition (id, title, year, page_format, grouping, filters, status, progress, message, pdf_file,
  page_count, data_date, snapshot, created_by_id, created_at, updated_at, generated_at)
VALUES (1, 'Guide 2025', 2025, 'A5', 'thematique', '{"thematiques": [], "quartiers": []}', 'terminee', 100,
  '', NULL, NULL, '2025-02-10', '{"helplines": []}', 1, '2025-02-10 10:00:00', '2025-02-10 10:00:00', NULL);
INSERT INTO edition_item (id, edition_id, fiche_id, version_id, chapter, position, snapshot)
VALUES (1, 1, 1, 2, 'Accès aux droits', 1, '{}');
