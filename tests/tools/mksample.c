/* mksample.c - write the sample archive's PDF, DOCX and ODT documents
 *
 * Copyright (c) 2026 The migsearch authors
 * SPDX-License-Identifier: MIT
 *
 * Usage: mksample ARCHIVE_DIR   (normally tests/data/archive)
 *
 * The binary documents of the sample archive are generated from the text
 * below, with the same writers the tests use (fixtures.c), so that what is
 * committed can be reproduced and reviewed as text. Like everything in the
 * sample archive, the documents are fictional and say so on their first
 * line. Their sidecars (NAME.meta.yaml) are written by hand beside them.
 * The output is byte-for-byte reproducible: the PDF has no timestamps but
 * the one given, and zip entries carry a fixed modification time.
 * Built by CMake, never run by the tests.
 */
#include <stdio.h>
#include <stdlib.h>

#include "fixtures.h"

#define NOTICE                                                                           \
    "Illustrative sample document written for the migsearch demo; not an official "      \
    "record."
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* reports/crs-2003-implementation-review.pdf: English, three pages. */
static const char *const review_pages[] = {
    NOTICE
    "\n"
    "\n"
    "Implementation review of the country reporting exercise, 2003\n"
    "Issyk-Kul Dialogue - prepared for the programme steering group, December 2003\n"
    "\n"
    "1. Purpose\n"
    "This review looks at how the governments taking part in the Issyk-Kul Dialogue "
    "followed up the recommendations they adopted between 1999 and 2003. It does not "
    "rank governments. It asks which recommendations led to a change in law, budget or "
    "practice, and which remained on paper.\n"
    "\n"
    "2. Methodology\n"
    "Each government answered the same questionnaire of twenty-four questions. Answers "
    "were checked against published laws and against interviews with officials in the "
    "ministries of labour, interior and foreign affairs. Where an answer could not be "
    "checked, the review says so rather than guessing.\n"
    "\n"
    "The review team visited Bishkek, Almaty and Dushanbe in October 2003. Every finding "
    "below was shared with the government concerned before this text was finalised.",

    "3. Findings by recommendation\n"
    "\n"
    "The scorecard below summarises the follow-up of the eight recommendations most "
    "often cited by delegations.\n"
    "\n"
    "Recommendation 1 (joint statistics on labour migration): implemented in two "
    "countries; a shared table of departures is now published every year.\n"
    "Recommendation 2 (pre-departure information for workers): partly implemented; "
    "leaflets exist in three languages but reach few rural districts.\n"
    "Recommendation 3 (recognition of vocational certificates): not implemented.\n"
    "Recommendation 4 (consular help for workers abroad): implemented; two new consular "
    "posts opened in 2002.\n"
    "Recommendation 5 (licensing of private recruitment agencies): partly implemented.\n"
    "Recommendation 6 (border crossing points with shared procedures): implemented at "
    "one crossing as a pilot.\n"
    "Recommendation 7 (a contact person in each ministry): implemented everywhere.\n"
    "Recommendation 8 (regular exchange of data on returns): no information received.\n"
    "\n"
    "Overall, recommendations that needed one ministry to act were carried out far more "
    "often than those that needed several ministries or two governments to agree.",

    "4. Conclusions\n"
    "\n"
    "The reporting exercise itself proved useful. Officials said that having to answer "
    "the questionnaire made them find out what other ministries had done. The review "
    "therefore proposes to repeat it before each meeting of the Dialogue.\n"
    "\n"
    "5. Proposed timetable\n"
    "January 2004: questionnaire sent to the contact persons.\n"
    "March 2004: answers returned to the secretariat.\n"
    "May 2004: draft review shared with governments.\n"
    "June 2004: review presented at the fifth meeting of the Dialogue.\n"
    "\n"
    "Annex: the questionnaire and the list of officials interviewed are available from "
    "the secretariat on request.",
};

/* workshops/kmi-2003-atelier-mobilite.docx: French. */
static const char *const atelier_paragraphs[] = {
    NOTICE,
    "# Mobilité de la main-d’œuvre saisonnière",
    "Genève, 22 et 23 septembre 2003",
    "L’atelier a réuni des représentants des ministères du travail et des affaires "
    "étrangères ainsi que des organisations d’employeurs. Il portait sur les "
    "travailleurs saisonniers employés dans l’agriculture et le bâtiment.",
    "# Constats",
    "Les participants ont constaté que les contrats saisonniers sont souvent signés trop "
    "tard, parfois après le départ des travailleurs. Plusieurs délégations ont demandé "
    "un modèle de contrat commun, rédigé dans la langue du travailleur.",
    "Les frais de recrutement restent élevés. Dans certains cas, ils représentent deux "
    "mois de salaire.",
    "# Propositions",
    "1.\tPublier chaque année le calendrier des besoins de main-d’œuvre saisonnière.",
    "2.\tInterdire les frais de recrutement à la charge des travailleurs.",
    "3.\tFaciliter le retour et la réembauche des mêmes travailleurs d’une saison à "
    "l’autre.",
    "Le secrétariat diffusera un résumé de ces propositions avant la prochaine réunion.",
};

/* workshops/crc-2002-taller-remesas.odt: Spanish. */
static const char *const taller_paragraphs[] = {
    NOTICE,
    "# Taller sobre remesas y desarrollo local",
    "Kingston, 14 y 15 de octubre de 2002",
    "El taller reunió a bancos centrales, cooperativas de ahorro y asociaciones de la "
    "diáspora de la región del Caribe. Su objetivo era entender cómo llegan las remesas "
    "a los hogares y qué parte se destina a la inversión local.",
    "# Lo que se dijo",
    "Las remesas suelen enviarse en pequeñas cantidades y con frecuencia mensual. El "
    "costo del envío sigue siendo alto en los corredores con poca competencia.",
    "Varias cooperativas presentaron programas de microcréditos que aceptan las remesas "
    "recibidas como prueba de ingresos. Los participantes pidieron evaluar esos "
    "programas antes de extenderlos.",
    "# Recomendaciones del taller",
    "1.\tPublicar cada trimestre el costo de enviar cien dólares por los principales "
    "corredores.",
    "2.\tPermitir que las cooperativas paguen remesas en zonas rurales.",
    "3.\tNo gravar las remesas recibidas por los hogares.",
};

int
main(int argc, char **argv)
{
    char path[4096];
    char *xml = NULL, *meta = NULL;
    int rc = 1;

    if (argc != 2) {
        fprintf(stderr, "usage: %s ARCHIVE_DIR\n", argv[0]);
        return 2;
    }

    {
        ms_fixture_pdf_t pdf = {
            "Implementation review of the country reporting exercise, 2003",
            "Follow-up of Issyk-Kul Dialogue recommendations, 1999-2003",
            "D:20031209100000Z", review_pages, COUNT(review_pages)};

        snprintf(path, sizeof(path), "%s/reports/crs-2003-implementation-review.pdf",
                 argv[1]);
        if (ms_fixture_write_pdf(path, &pdf) != 0)
            goto fail;
    }

    xml = ms_fixture_docx_document(atelier_paragraphs, COUNT(atelier_paragraphs));
    meta =
        ms_fixture_docx_core("Note d’atelier : mobilité de la main-d’œuvre saisonnière",
                             "Compte rendu de l’atelier des 22 et 23 septembre 2003",
                             "2003-09-24T09:00:00Z", "fr");
    if (!xml || !meta)
        goto fail;
    snprintf(path, sizeof(path), "%s/workshops/kmi-2003-atelier-mobilite.docx", argv[1]);
    if (ms_fixture_write_docx(path, xml, meta) != 0)
        goto fail;
    free(xml);
    free(meta);

    xml = ms_fixture_odt_content(taller_paragraphs, COUNT(taller_paragraphs));
    meta =
        ms_fixture_odt_meta("Taller sobre remesas y desarrollo local",
                            "Notas del taller celebrado en Kingston en octubre de 2002",
                            "2002-10-16T12:00:00", "es");
    if (!xml || !meta)
        goto fail;
    snprintf(path, sizeof(path), "%s/workshops/crc-2002-taller-remesas.odt", argv[1]);
    if (ms_fixture_write_odt(path, xml, meta, NULL) != 0)
        goto fail;
    rc = 0;
    goto out;
fail:
    fprintf(stderr, "%s: cannot write %s\n", argv[0], path);
out:
    free(xml);
    free(meta);
    return rc;
}
